// The SMS counter shown under the editor: characters, encoding and segments, counted locally as
// the user types (DESIGN §21: GSM-7 per 3GPP 23.038 with extension characters as 2 septets, 160
// per single and 153 per part; else UCS-2 in UTF-16 units, 70 and 67; a part never splits an
// escape or a surrogate pair). The service's preview counts every recipient's rendered text.
const GSM = new Set(Array.from('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'));
const GSM_EXTENDED = new Set(Array.from('^{}\\[~]|€\f'));

/** How many parts `sizes` (each character's units) take at `single` alone or `part` each. */
function parts(sizes, single, part) {
  const total = sizes.reduce((sum, size) => sum + size, 0);
  if (total <= single) return 1;
  let count = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > part) { count += 1; used = 0; }
    used += size;
  }
  return count;
}

export function smsInfo(text) {
  const characters = Array.from(text || '');
  const gsm = characters.every((character) => GSM.has(character) || GSM_EXTENDED.has(character));
  if (gsm) {
    const sizes = characters.map((character) => (GSM_EXTENDED.has(character) ? 2 : 1));
    return { encoding: 'GSM-7', units: sizes.reduce((a, b) => a + b, 0), segments: parts(sizes, 160, 153) };
  }
  const sizes = characters.map((character) => (character.codePointAt(0) > 0xFFFF ? 2 : 1));
  return { encoding: 'UCS-2', units: sizes.reduce((a, b) => a + b, 0), segments: parts(sizes, 70, 67) };
}
