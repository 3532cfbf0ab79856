// pm2 process file for Verbatim: `pm2 start deploy/ecosystem.config.cjs` from the project folder.
// Verbatim exits non-zero on any fatal error, so pm2's autorestart brings it back; kill_timeout
// leaves time for a clean logout and the snapshot save on SIGTERM/SIGINT.
module.exports = {
  apps: [
    {
      name: 'verbatim',
      script: 'dist/src/main.js',
      cwd: __dirname + '/..',
      instances: 1,
      exec_mode: 'fork',
      autorestart: true,
      restart_delay: 5000,
      kill_timeout: 30000,
      env: { NODE_ENV: 'production', CORPUS_DIR: 'corpus', DATA_DIR: '.verbatim' },
    },
  ],
};
