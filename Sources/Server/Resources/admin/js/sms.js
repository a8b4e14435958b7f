// The SMS counter shown under the editor: characters, encoding and segments (GSM-7 160/153,
// UCS-2 70/67), counted locally as the user types; the server's preview confirms it.
const GSM = new Set(Array.from('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'));
const GSM_EXTENDED = new Set(Array.from('^{}\\[~]|€\f'));

export function smsInfo(text) {
  let units = 0;
  let gsm = true;
  for (const character of Array.from(text)) {
    if (GSM.has(character)) units += 1;
    else if (GSM_EXTENDED.has(character)) units += 2;
    else { gsm = false; break; }
  }
  if (!gsm) {
    units = 0;
    for (const character of Array.from(text)) units += character.codePointAt(0) > 0xFFFF ? 2 : 1;
    return { encoding: 'UCS-2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
  }
  return { encoding: 'GSM-7', units, segments: units <= 160 ? 1 : Math.ceil(units / 153) };
}
