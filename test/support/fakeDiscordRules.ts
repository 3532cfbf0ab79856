/**
 * Discord's validation rules, as the fake Discord server enforces them.
 *
 * Each validator walks a JSON body the bot sent and collects problems into a
 * {@link FormErrors}, which renders them in the nested shape Discord uses for
 * `50035 Invalid Form Body` (`{ data: { content: { _errors: [...] } } }`), so
 * discord.js turns them into the same `DiscordAPIError` message it would show
 * against the real API (e.g. `data.content[BASE_TYPE_MAX_LENGTH]: Must be 2000
 * or fewer in length.`).
 *
 * The numbers come from Discord's developer documentation (message, embed,
 * component, autocomplete and application command limits). Where Discord's
 * exact error code string is not documented, the closest code Discord is known
 * to use is chosen; tests should assert on the HTTP status and the numeric JSON
 * error code, which are exact.
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ButtonStyle,
  ComponentType,
  MessageFlags,
  RESTJSONErrorCodes,
} from 'discord-api-types/v10';

/** A Discord JSON error body: what the API returns with every 4xx status. */
export interface DiscordErrorBody {
  message: string;
  code: number;
  /** Present for `50035 Invalid Form Body`: nested by the path of the bad field. */
  errors?: Record<string, unknown>;
}

/** One problem with one field, as Discord reports it under `_errors`. */
export interface FieldError {
  code: string;
  message: string;
}

type Path = ReadonlyArray<string | number>;

/** Collects field errors and renders them in Discord's nested `errors` shape. */
export class FormErrors {
  readonly list: { path: string; segments: Path; error: FieldError }[] = [];
  private readonly tree: Record<string, unknown> = {};

  /** Adds a problem; the same code on the same field is reported once (the description and the documented rules overlap). */
  add(path: Path, code: string, message: string): void {
    const key = path.join('.');
    if (this.list.some((e) => e.path === key && e.error.code === code)) return;
    this.list.push({ path: key, segments: [...path], error: { code, message } });
    let node = this.tree;
    for (const key of path) {
      const k = String(key);
      node[k] ??= {};
      node = node[k] as Record<string, unknown>;
    }
    const errors = (node['_errors'] ??= []) as FieldError[];
    errors.push({ code, message });
  }

  /** An independent copy, to add more problems to. */
  copy(): FormErrors {
    const copy = new FormErrors();
    for (const { segments, error } of this.list) copy.add(segments, error.code, error.message);
    return copy;
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  /** The `50035 Invalid Form Body` error body for these errors. */
  toBody(): DiscordErrorBody {
    return {
      message: 'Invalid Form Body',
      code: RESTJSONErrorCodes.InvalidFormBodyOrContentType,
      errors: this.tree,
    };
  }

  /** One line per problem, for violation messages. */
  summary(): string {
    return this.list.map(({ path, error }) => `${path || '<body>'}[${error.code}]: ${error.message}`).join('; ');
  }
}

// ---------------------------------------------------------------------------
// Small helpers that phrase errors the way Discord does.

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function maxLength(errors: FormErrors, path: Path, value: unknown, max: number): void {
  if (typeof value === 'string' && [...value].length > max) {
    errors.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
  } else if (Array.isArray(value) && value.length > max) {
    errors.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
  }
}

/** A text Discord requires (not empty) and limits to `max` characters; returns its length for the embed total. */
function requiredText(errors: FormErrors, path: Path, value: unknown, max: number): number {
  if (value === undefined || value === null || value === '') errors.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
  else maxLength(errors, path, value, max);
  return len(value);
}

function badLength(errors: FormErrors, path: Path, value: unknown, min: number, max: number): void {
  if (value === undefined || value === null) {
    errors.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
    return;
  }
  if (typeof value !== 'string') {
    errors.add(path, 'BASE_TYPE_STRING', 'Must be a string.');
    return;
  }
  const length = [...value].length;
  if (length < min || length > max) {
    errors.add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`);
  }
}

function requireArray(errors: FormErrors, path: Path, value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    errors.add(path, 'BASE_TYPE_ARRAY', 'Must be an array.');
    return [];
  }
  return value;
}

/** Length of a string in code points, like Discord counts it. */
const len = (v: unknown): number => (typeof v === 'string' ? [...v].length : 0);

// ---------------------------------------------------------------------------
// Messages

/** Discord's documented message limits. */
export const MessageLimits = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  embedFieldName: 256,
  embedFieldValue: 1024,
  embedFooterText: 2048,
  embedAuthorName: 256,
  /** Sum of title, description, field names and values, footer text and author name over all embeds. */
  embedTotal: 6000,
  actionRows: 5,
  buttonsPerRow: 5,
  customId: 100,
  buttonLabel: 80,
  selectOptions: 25,
  selectPlaceholder: 150,
  /** Total components (nested included) in a message using the IS_COMPONENTS_V2 flag. */
  componentsV2Total: 40,
} as const;

/** Validates the embeds of a message body (`path` points at the `embeds` array). */
function validateEmbeds(errors: FormErrors, path: Path, embeds: unknown): void {
  const list = requireArray(errors, path, embeds);
  maxLength(errors, path, list, MessageLimits.embeds);
  let total = 0;
  list.forEach((embed, i) => {
    const p = [...path, i];
    if (!isRecord(embed)) {
      errors.add(p, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
      return;
    }
    maxLength(errors, [...p, 'title'], embed['title'], MessageLimits.embedTitle);
    maxLength(errors, [...p, 'description'], embed['description'], MessageLimits.embedDescription);
    total += len(embed['title']) + len(embed['description']);
    if (embed['color'] !== undefined && embed['color'] !== null) {
      const color = embed['color'];
      if (typeof color !== 'number' || !Number.isInteger(color) || color < 0 || color > 0xffffff) {
        errors.add([...p, 'color'], 'NUMBER_TYPE_MAX', 'int value should be less than or equal to 16777215.');
      }
    }
    const fields = requireArray(errors, [...p, 'fields'], embed['fields']);
    maxLength(errors, [...p, 'fields'], fields, MessageLimits.embedFields);
    fields.forEach((field, j) => {
      const fp = [...p, 'fields', j];
      if (!isRecord(field)) {
        errors.add(fp, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
        return;
      }
      for (const [key, max] of [
        ['name', MessageLimits.embedFieldName],
        ['value', MessageLimits.embedFieldValue],
      ] as const) {
        total += requiredText(errors, [...fp, key], field[key], max);
      }
    });
    if (isRecord(embed['footer']))
      total += requiredText(errors, [...p, 'footer', 'text'], embed['footer']['text'], MessageLimits.embedFooterText);
    if (isRecord(embed['author']))
      total += requiredText(errors, [...p, 'author', 'name'], embed['author']['name'], MessageLimits.embedAuthorName);
  });
  if (total > MessageLimits.embedTotal) {
    errors.add(path, 'MAX_EMBED_SIZE_EXCEEDED', `Embed size exceeds maximum size of ${MessageLimits.embedTotal}`);
  }
}

/** Validates a button (`path` points at it). Collects its custom_id into `customIds`. */
function validateButton(errors: FormErrors, path: Path, button: Record<string, unknown>, customIds: Map<string, Path>): void {
  const given = button['style'];
  if (typeof given !== 'number' || !(Object.values(ButtonStyle) as unknown[]).includes(given)) {
    errors.add(
      [...path, 'style'],
      'BASE_TYPE_CHOICES',
      `Value must be one of (${Object.values(ButtonStyle)
        .filter((v) => typeof v === 'number')
        .join(', ')}).`,
    );
    return;
  }
  const style = given as ButtonStyle;
  maxLength(errors, [...path, 'label'], button['label'], MessageLimits.buttonLabel);
  if (style === ButtonStyle.Link) {
    if (typeof button['url'] !== 'string' || button['url'] === '') {
      errors.add([...path, 'url'], 'BUTTON_COMPONENT_URL_REQUIRED', 'A url is required');
    } else if (!/^(https?|discord):\/\//.test(button['url'])) {
      errors.add([...path, 'url'], 'URL_TYPE_INVALID_URL', 'Not a well formed URL.');
    }
    if (button['custom_id'] !== undefined) {
      errors.add([...path, 'custom_id'], 'BUTTON_COMPONENT_CUSTOM_ID_CANNOT_BE_SET', 'A custom id cannot be set on a link button');
    }
  } else if (style === ButtonStyle.Premium) {
    if (typeof button['sku_id'] !== 'string') errors.add([...path, 'sku_id'], 'BASE_TYPE_REQUIRED', 'This field is required');
    for (const key of ['custom_id', 'url', 'label', 'emoji']) {
      if (button[key] !== undefined)
        errors.add([...path, key], 'BUTTON_COMPONENT_PREMIUM_INVALID_FIELD', `A premium button cannot have a ${key}`);
    }
  } else {
    if (button['url'] !== undefined) {
      errors.add([...path, 'url'], 'BUTTON_COMPONENT_URL_CANNOT_BE_SET', 'A url cannot be set on a non-link button');
    }
    validateCustomId(errors, path, button['custom_id'], customIds);
  }
  if (style !== ButtonStyle.Premium && (button['label'] === undefined || button['label'] === '') && button['emoji'] === undefined) {
    errors.add(path, 'BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED', 'A label or an emoji is required');
  }
}

function validateCustomId(errors: FormErrors, path: Path, customId: unknown, customIds: Map<string, Path>): void {
  badLength(errors, [...path, 'custom_id'], customId, 1, MessageLimits.customId);
  if (typeof customId === 'string') {
    if (customIds.has(customId)) {
      errors.add([...path, 'custom_id'], 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id cannot be duplicated');
    }
    customIds.set(customId, path);
  }
}

const SELECT_TYPES: readonly number[] = [
  ComponentType.StringSelect,
  ComponentType.UserSelect,
  ComponentType.RoleSelect,
  ComponentType.MentionableSelect,
  ComponentType.ChannelSelect,
];

function validateSelect(errors: FormErrors, path: Path, select: Record<string, unknown>, customIds: Map<string, Path>): void {
  validateCustomId(errors, path, select['custom_id'], customIds);
  maxLength(errors, [...path, 'placeholder'], select['placeholder'], MessageLimits.selectPlaceholder);
  if (select['type'] === ComponentType.StringSelect) {
    const options = requireArray(errors, [...path, 'options'], select['options']);
    if (options.length === 0) errors.add([...path, 'options'], 'BASE_TYPE_MIN_LENGTH', 'Must be 1 or more in length.');
    maxLength(errors, [...path, 'options'], options, MessageLimits.selectOptions);
    options.forEach((option, i) => {
      if (!isRecord(option)) return;
      badLength(errors, [...path, 'options', i, 'label'], option['label'], 1, 100);
      badLength(errors, [...path, 'options', i, 'value'], option['value'], 1, 100);
      maxLength(errors, [...path, 'options', i, 'description'], option['description'], 100);
    });
  }
  for (const key of ['min_values', 'max_values'] as const) {
    const v = select[key];
    if (v !== undefined && (typeof v !== 'number' || v < (key === 'min_values' ? 0 : 1) || v > 25)) {
      errors.add([...path, key], 'NUMBER_TYPE_MAX', 'int value should be less than or equal to 25.');
    }
  }
}

/** Validates legacy (non IS_COMPONENTS_V2) message components: action rows of buttons or one select. */
function validateComponentsV1(errors: FormErrors, path: Path, components: unknown, customIds: Map<string, Path>): void {
  const rows = requireArray(errors, path, components);
  maxLength(errors, path, rows, MessageLimits.actionRows);
  rows.forEach((row, i) => {
    const rp = [...path, i];
    if (!isRecord(row) || row['type'] !== ComponentType.ActionRow) {
      errors.add([...rp, 'type'], 'UNION_TYPE_CHOICES', `Value of field "type" must be one of (${ComponentType.ActionRow},).`);
      return;
    }
    const children = requireArray(errors, [...rp, 'components'], row['components']);
    if (children.length === 0) errors.add([...rp, 'components'], 'BASE_TYPE_MIN_LENGTH', 'Must be 1 or more in length.');
    maxLength(errors, [...rp, 'components'], children, MessageLimits.buttonsPerRow);
    const hasSelect = children.some((c) => isRecord(c) && SELECT_TYPES.includes(c['type'] as number));
    if (hasSelect && children.length > 1) {
      errors.add([...rp, 'components'], 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'The specified component exceeds the maximum width');
    }
    children.forEach((child, j) => {
      const cp = [...rp, 'components', j];
      if (!isRecord(child)) return;
      if (child['type'] === ComponentType.Button) validateButton(errors, cp, child, customIds);
      else if (SELECT_TYPES.includes(child['type'] as number)) validateSelect(errors, cp, child, customIds);
      else errors.add([...cp, 'type'], 'UNION_TYPE_CHOICES', 'Value of field "type" must be a button or a select menu.');
    });
  });
}

/**
 * Validates IS_COMPONENTS_V2 layouts loosely: the 40-component total, custom_id
 * uniqueness, and the buttons/selects wherever they appear.
 */
function validateComponentsV2(errors: FormErrors, path: Path, components: unknown, customIds: Map<string, Path>): void {
  let count = 0;
  const walk = (node: unknown, p: Path): void => {
    if (!isRecord(node)) return;
    count++;
    if (node['type'] === ComponentType.Button) validateButton(errors, p, node, customIds);
    else if (SELECT_TYPES.includes(node['type'] as number)) validateSelect(errors, p, node, customIds);
    if (Array.isArray(node['components'])) node['components'].forEach((c, i) => walk(c, [...p, 'components', i]));
    if (node['accessory'] !== undefined) walk(node['accessory'], [...p, 'accessory']);
  };
  requireArray(errors, path, components).forEach((c, i) => walk(c, [...path, i]));
  if (count > MessageLimits.componentsV2Total) {
    errors.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${MessageLimits.componentsV2Total} or fewer in length.`);
  }
}

function validateAllowedMentions(errors: FormErrors, path: Path, am: unknown): void {
  if (am === undefined || am === null) return;
  if (!isRecord(am)) {
    errors.add(path, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    return;
  }
  const parse = requireArray(errors, [...path, 'parse'], am['parse']);
  parse.forEach((v, i) => {
    if (v !== 'users' && v !== 'roles' && v !== 'everyone') {
      errors.add([...path, 'parse', i], 'BASE_TYPE_CHOICES', "Value must be one of ('roles', 'users', 'everyone').");
    }
  });
  for (const key of ['users', 'roles'] as const) {
    const ids = requireArray(errors, [...path, key], am[key]);
    maxLength(errors, [...path, key], ids, 100);
    if (ids.length > 0 && parse.includes(key)) {
      errors.add(path, 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE', `parse:["${key}"] and ${key}: [ids...] are mutually exclusive.`);
    }
  }
}

/**
 * Validates a message body (a callback's `data`, a follow-up or an edit).
 * @param path where the body sits in the request (`['data']` for callbacks, `[]` for webhooks)
 */
export function validateMessageBody(errors: FormErrors, path: Path, body: unknown): void {
  if (body === undefined || body === null) return;
  if (!isRecord(body)) {
    errors.add(path, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    return;
  }
  if (body['content'] !== undefined && body['content'] !== null) {
    if (typeof body['content'] !== 'string') errors.add([...path, 'content'], 'BASE_TYPE_STRING', 'Must be a string.');
    else maxLength(errors, [...path, 'content'], body['content'], MessageLimits.content);
  }
  validateEmbeds(errors, [...path, 'embeds'], body['embeds']);
  const flags = typeof body['flags'] === 'number' ? body['flags'] : 0;
  const customIds = new Map<string, Path>();
  if (flags & MessageFlags.IsComponentsV2) {
    for (const key of ['content', 'embeds', 'poll', 'stickers'] as const) {
      const v = body[key];
      if (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0) && v !== '') {
        errors.add(
          [...path, key],
          'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2',
          `The '${key}' field cannot be used when using MessageFlags.IS_COMPONENTS_V2`,
        );
      }
    }
    validateComponentsV2(errors, [...path, 'components'], body['components'], customIds);
  } else {
    validateComponentsV1(errors, [...path, 'components'], body['components'], customIds);
  }
  validateAllowedMentions(errors, [...path, 'allowed_mentions'], body['allowed_mentions']);
}

/**
 * Whether a message (the merged state after an edit, or a new message) has
 * nothing to show, which Discord refuses with `50006 Cannot send an empty message`.
 */
export function isEmptyMessage(message: Record<string, unknown>, fileCount: number): boolean {
  const nonEmpty = (v: unknown): boolean => Array.isArray(v) && v.length > 0;
  return (
    (typeof message['content'] !== 'string' || message['content'].trim() === '') &&
    !nonEmpty(message['embeds']) &&
    !nonEmpty(message['components']) &&
    !nonEmpty(message['attachments']) &&
    !nonEmpty(message['sticker_ids']) &&
    !isRecord(message['poll']) &&
    fileCount === 0
  );
}

// ---------------------------------------------------------------------------
// Autocomplete and modals

/**
 * Validates an autocomplete result (`data` of callback type 8).
 * @param optionType the focused option's type when known: its choices must carry values of that type
 */
export function validateAutocompleteData(errors: FormErrors, data: unknown, optionType: ApplicationCommandOptionType | undefined): void {
  if (!isRecord(data)) {
    errors.add(['data'], 'BASE_TYPE_REQUIRED', 'This field is required');
    return;
  }
  const choices = requireArray(errors, ['data', 'choices'], data['choices']);
  maxLength(errors, ['data', 'choices'], choices, 25);
  choices.forEach((choice, i) => {
    const p = ['data', 'choices', i];
    if (!isRecord(choice)) {
      errors.add(p, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
      return;
    }
    badLength(errors, [...p, 'name'], choice['name'], 1, 100);
    validateChoiceValue(errors, [...p, 'value'], choice['value'], optionType);
  });
}

function validateChoiceValue(errors: FormErrors, path: Path, value: unknown, optionType: ApplicationCommandOptionType | undefined): void {
  if (value === undefined || value === null) {
    errors.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
    return;
  }
  if (optionType === ApplicationCommandOptionType.Integer || optionType === ApplicationCommandOptionType.Number) {
    if (typeof value !== 'number' || (optionType === ApplicationCommandOptionType.Integer && !Number.isInteger(value))) {
      errors.add(
        path,
        optionType === ApplicationCommandOptionType.Integer ? 'NUMBER_TYPE_COERCE' : 'BASE_TYPE_NUMBER',
        `Value "${typeof value === 'string' ? value : JSON.stringify(value)}" is not ${optionType === ApplicationCommandOptionType.Integer ? 'int' : 'a number'}.`,
      );
    }
    return;
  }
  if (optionType === ApplicationCommandOptionType.String && typeof value !== 'string') {
    errors.add(path, 'BASE_TYPE_STRING', 'Must be a string.');
    return;
  }
  if (typeof value === 'string') maxLength(errors, path, value, 100);
}

/** Validates a modal (`data` of callback type 9). */
export function validateModalData(errors: FormErrors, data: unknown): void {
  if (!isRecord(data)) {
    errors.add(['data'], 'BASE_TYPE_REQUIRED', 'This field is required');
    return;
  }
  badLength(errors, ['data', 'custom_id'], data['custom_id'], 1, 100);
  badLength(errors, ['data', 'title'], data['title'], 1, 45);
  const components = requireArray(errors, ['data', 'components'], data['components']);
  if (components.length === 0) errors.add(['data', 'components'], 'BASE_TYPE_MIN_LENGTH', 'Must be 1 or more in length.');
  maxLength(errors, ['data', 'components'], components, 5);
}

// ---------------------------------------------------------------------------
// Application commands

/** Discord's limits on application commands. */
export const CommandLimits = {
  chatInputPerScope: 100,
  userPerScope: 15,
  messagePerScope: 15,
  options: 25,
  choices: 25,
  /** Combined length of all names, descriptions and choice names/values of one command. */
  totalCharacters: 4000,
} as const;

/** Names of chat-input commands and options: Discord's documented regex, which is also required to be lowercase. */
const CHAT_INPUT_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function validateName(errors: FormErrors, path: Path, name: unknown, chatInput: boolean): void {
  if (typeof name !== 'string' || name.length === 0) {
    errors.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
    return;
  }
  if (!chatInput) {
    badLength(errors, path, name, 1, 32);
    return;
  }
  if (!CHAT_INPUT_NAME.test(name)) {
    errors.add(path, 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
  } else if (name !== name.toLowerCase()) {
    errors.add(path, 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid: it must be lowercase');
  }
}

const CHOICE_TYPES: readonly number[] = [
  ApplicationCommandOptionType.String,
  ApplicationCommandOptionType.Integer,
  ApplicationCommandOptionType.Number,
];

/** Validates one level of options; returns the characters it counts towards the 4000 total. */
function validateOptions(errors: FormErrors, path: Path, options: unknown, parent: 'command' | 'subcommand' | 'group'): number {
  const list = requireArray(errors, path, options);
  maxLength(errors, path, list, CommandLimits.options);
  let characters = 0;
  const names = new Set<string>();
  let seenOptional = false;
  const kinds = new Set<'sub' | 'basic'>();
  list.forEach((option, i) => {
    const p = [...path, i];
    if (!isRecord(option)) {
      errors.add(p, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
      return;
    }
    const given = option['type'];
    if (typeof given !== 'number' || !(Object.values(ApplicationCommandOptionType) as unknown[]).includes(given)) {
      errors.add([...p, 'type'], 'BASE_TYPE_CHOICES', 'Value must be one of (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11).');
      return;
    }
    const type = given as ApplicationCommandOptionType;
    validateName(errors, [...p, 'name'], option['name'], true);
    badLength(errors, [...p, 'description'], option['description'], 1, 100);
    characters += len(option['name']) + len(option['description']);
    if (typeof option['name'] === 'string') {
      if (names.has(option['name'])) {
        errors.add([...p, 'name'], 'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS', 'Option names must be unique');
      }
      names.add(option['name']);
    }
    const isSub = type === ApplicationCommandOptionType.Subcommand || type === ApplicationCommandOptionType.SubcommandGroup;
    kinds.add(isSub ? 'sub' : 'basic');
    if (parent === 'group' && type !== ApplicationCommandOptionType.Subcommand) {
      errors.add([...p, 'type'], 'APPLICATION_COMMAND_OPTION_TYPE_INVALID', 'Subcommand groups may only contain subcommands');
    }
    if (parent === 'subcommand' && isSub) {
      errors.add([...p, 'type'], 'APPLICATION_COMMAND_OPTION_TYPE_INVALID', 'Subcommands cannot contain subcommands or groups');
    }
    if (isSub) {
      characters += validateOptions(
        errors,
        [...p, 'options'],
        option['options'],
        type === ApplicationCommandOptionType.SubcommandGroup ? 'group' : 'subcommand',
      );
      return;
    }
    if (option['required'] === true) {
      if (seenOptional) {
        errors.add(p, 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'Required options must be placed before non-required options');
      }
    } else seenOptional = true;
    const choices = option['choices'];
    if (choices !== undefined && choices !== null) {
      if (!CHOICE_TYPES.includes(type)) {
        errors.add(
          [...p, 'choices'],
          'APPLICATION_COMMAND_OPTION_CHOICES_INVALID',
          'Choices are only allowed on string, integer and number options',
        );
      }
      if (option['autocomplete'] === true && Array.isArray(choices) && choices.length > 0) {
        errors.add(
          [...p, 'autocomplete'],
          'APPLICATION_COMMAND_AUTOCOMPLETE_INVALID',
          'Autocomplete cannot be set if there are choices present.',
        );
      }
      const choiceList = requireArray(errors, [...p, 'choices'], choices);
      maxLength(errors, [...p, 'choices'], choiceList, CommandLimits.choices);
      choiceList.forEach((choice, j) => {
        if (!isRecord(choice)) return;
        badLength(errors, [...p, 'choices', j, 'name'], choice['name'], 1, 100);
        validateChoiceValue(errors, [...p, 'choices', j, 'value'], choice['value'], type);
        characters += len(choice['name']) + (typeof choice['value'] === 'string' ? len(choice['value']) : String(choice['value']).length);
      });
    }
    if (option['autocomplete'] === true && !CHOICE_TYPES.includes(type)) {
      errors.add(
        [...p, 'autocomplete'],
        'APPLICATION_COMMAND_AUTOCOMPLETE_INVALID',
        'Autocomplete is only allowed on string, integer and number options',
      );
    }
    for (const key of ['min_length', 'max_length'] as const) {
      const v = option[key];
      if (v === undefined || v === null) continue;
      if (type !== ApplicationCommandOptionType.String) {
        errors.add([...p, key], 'APPLICATION_COMMAND_OPTION_INVALID', `${key} is only allowed on string options`);
      } else if (typeof v !== 'number' || !Number.isInteger(v) || v < (key === 'min_length' ? 0 : 1) || v > 6000) {
        errors.add([...p, key], 'NUMBER_TYPE_MAX', 'int value should be less than or equal to 6000.');
      }
    }
  });
  if (kinds.size > 1) {
    errors.add(
      path,
      'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID',
      'Subcommands and subcommand groups cannot be mixed with other option types',
    );
  }
  return characters;
}

/**
 * Validates one application command body (an element of a bulk overwrite, or a
 * single create/edit). `path` is its index in the bulk array (`[]` for single).
 */
export function validateCommand(errors: FormErrors, path: Path, command: unknown): void {
  if (!isRecord(command)) {
    errors.add(path, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    return;
  }
  const type = (command['type'] ?? ApplicationCommandType.ChatInput) as ApplicationCommandType;
  if (
    type !== ApplicationCommandType.ChatInput &&
    type !== ApplicationCommandType.User &&
    type !== ApplicationCommandType.Message &&
    type !== ApplicationCommandType.PrimaryEntryPoint
  ) {
    errors.add([...path, 'type'], 'BASE_TYPE_CHOICES', 'Value must be one of (1, 2, 3, 4).');
    return;
  }
  const chatInput = type === ApplicationCommandType.ChatInput;
  validateName(errors, [...path, 'name'], command['name'], chatInput);
  let characters = len(command['name']);
  if (chatInput) {
    badLength(errors, [...path, 'description'], command['description'], 1, 100);
    characters += len(command['description']);
    characters += validateOptions(errors, [...path, 'options'], command['options'], 'command');
    if (characters > CommandLimits.totalCharacters) {
      errors.add(path, 'APPLICATION_COMMAND_TOO_LARGE', `Command exceeds maximum size (${CommandLimits.totalCharacters})`);
    }
  } else {
    if (command['description'] !== undefined && command['description'] !== '' && command['description'] !== null) {
      errors.add(
        [...path, 'description'],
        'APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION_INVALID',
        'Context menu commands cannot have description',
      );
    }
    if (Array.isArray(command['options']) && command['options'].length > 0) {
      errors.add([...path, 'options'], 'APPLICATION_COMMAND_CONTEXT_MENU_OPTIONS_INVALID', 'Context menu commands cannot have options');
    }
  }
}
