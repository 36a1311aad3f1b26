/**
 * Unicode bidirectional controls in the human-facing reports. An override or an isolate
 * (U+202A–U+202E, U+2066–U+2069) in a case id or a note reorders the text after it as it is shown:
 * `‮gnp.exe` reads `exe.png`, and an auditor would read another id than the one recorded (the
 * "Trojan Source" trick). The reports show each such control as its code point instead. Text in
 * right-to-left scripts (Arabic, Hebrew) holds none and is shown as it is; so are the implicit marks
 * (U+200E, U+200F, U+061C), which reorder nothing on their own.
 */

/** `s` with every bidirectional embedding, override and isolate control shown as `[U+XXXX]`. */
export const showControls = (s: string): string =>
  s.replace(/[\u202A-\u202E\u2066-\u2069]/g, (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase()}]`)
