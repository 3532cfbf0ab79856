/**
 * Irregular English inflections and their base forms: "wrote", "written" →
 * "write"; "women" → "woman".
 *
 * Porter stemming only strips suffixes, so it never brings an irregular form
 * back to its base: "Who wrote Hamlet?" would not meet "Hamlet was written by
 * Shakespeare", nor "When did the war begin?" meet "The war began in 1939".
 * The analyzer looks a word up here before stemming it.
 *
 * Sources: the verb forms follow Wiktionary's "Appendix:English irregular
 * verbs" (https://en.wiktionary.org/wiki/Appendix:English_irregular_verbs),
 * the plurals Wiktionary's "Category:English irregular plurals"
 * (https://en.wiktionary.org/wiki/Category:English_irregular_plurals). Only
 * common words are listed, and forms that are also everyday words of another
 * meaning are left out, because mapping them would merge unrelated words:
 * "found" (to found a city, not only to find), "left" (the side), "lay",
 * "saw", "felt", "ground", "wound", "rose", "bore", "bound", "bit", "fell",
 * "lit", "shot", "spoke" (of a wheel), "leaves", "lives", "bases", "axes",
 * "born" (to bear a child vs a bear), "dove", "smelt".
 */

/** Verbs: base, then its irregular past and past-participle forms. */
const VERBS = `arise arose arisen|awake awoke awoken|beat beaten|become became|begin began begun|bend bent|bite bitten|
bleed bled|blow blew blown|break broke broken|breed bred|bring brought|build built|burn burnt|buy bought|catch caught|
choose chose chosen|cling clung|come came|creep crept|deal dealt|dig dug|draw drew drawn|dream dreamt|drink drank drunk|
drive drove driven|eat ate eaten|feed fed|fight fought|flee fled|fling flung|fly flew flown|forbid forbade forbidden|
foresee foresaw foreseen|forget forgot forgotten|forgive forgave forgiven|freeze froze frozen|get got gotten|give gave given|
go went gone|grow grew grown|hang hung|hear heard|hide hid hidden|hold held|keep kept|kneel knelt|know knew known|
lay laid|lead led|leap leapt|lend lent|lose lost|make made|mean meant|meet met|mistake mistook mistaken|
overcome overcame|overtake overtook overtaken|overthrow overthrew overthrown|pay paid|rebuild rebuilt|ride rode ridden|
ring rang rung|rise risen|run ran|say said|see seen|seek sought|sell sold|send sent|sew sewn|shake shook shaken|
shine shone|show shown|shrink shrank shrunk|sing sang sung|sink sank sunk|sit sat|slay slew slain|sleep slept|slide slid|
speak spoken|speed sped|spend spent|spin spun|spring sprang sprung|stand stood|steal stole stolen|stick stuck|sting stung|
strike struck stricken|strive strove striven|swear swore sworn|sweep swept|swim swam swum|swing swung|take took taken|
teach taught|tear tore torn|tell told|think thought|throw threw thrown|understand understood|undertake undertook undertaken|
uphold upheld|wake woke woken|wear wore worn|weave wove woven|weep wept|win won|withdraw withdrew withdrawn|
withhold withheld|withstand withstood|write wrote written`;

/** Nouns: singular, then its irregular plural(s). */
const NOUNS = `man men|woman women|child children|foot feet|tooth teeth|goose geese|mouse mice|ox oxen|wife wives|knife knives|
wolf wolves|half halves|thief thieves|shelf shelves|criterion criteria|phenomenon phenomena|bacterium bacteria|
analysis analyzes|crisis crises|thesis theses|hypothesis hypotheses|index indices|appendix appendices|matrix matrices|
vertex vertices|cactus cacti|fungus fungi|nucleus nuclei|radius radii|alumnus alumni|stimulus stimuli|larva larvae|
formula formulae|antenna antennae|oasis oases|diagnosis diagnoses|parenthesis parentheses|synopsis synopses`;

function table(...lists: string[]): ReadonlyMap<string, string> {
  const map = new Map<string, string>();
  for (const list of lists) {
    for (const entry of list.split('|')) {
      const [base, ...forms] = entry.trim().split(/\s+/);
      for (const form of forms) map.set(form, base!);
    }
  }
  return map;
}

/** Irregular form → base form (lower case, as {@link Analyzer} normalizes words). The analyzer's default. */
export const IRREGULAR_BASE_FORMS: ReadonlyMap<string, string> = table(VERBS, NOUNS);
