/**
 * A small shipped list of the passwords attackers try first (from public breach-frequency lists),
 * checked without regard to case, also when followed only by digits and symbols
 * ("Password2024!", "qwerty123456"), and all-digit passwords that begin with a common run of
 * digits. It is no breach corpus: it stops the obvious guesses that lockout alone would let
 * through over days.
 */

const COMMON = new Set(
  `123456 123456789 12345678 1234567890 12345 1234567 123123 111111 000000 654321 666666 121212
  123321 112233 987654321 0987654321 11111111 88888888 1q2w3e4r 1q2w3e4r5t 1q2w3e4r5t6y 1qaz2wsx
  1qaz2wsx3edc qwerty qwerty123 qwertyuiop qwertyuiopasdfgh asdfgh asdfghjkl zxcvbnm zxcvbnm123
  qazwsx qazwsxedc password passw0rd p@ssw0rd p@ssword password1 passwordpassword mypassword
  letmein letmeinnow welcome welcome1 welcometoday changeme changemenow default secret topsecret
  iloveyou iloveyouforever admin administrator root toor login guest master masterkey superman
  batman spiderman football baseball basketball soccer hockey dragon monkey shadow sunshine
  princess starwars trustno1 whatever freedom hello helloworld abc123 abcdef abcdefgh
  abcdefghijkl abcdefghijklmnop abc123abc123 aaaaaa qweasdzxc michael jennifer jordan hunter
  harley ranger buster thomas tigger charlie robert daniel access flower computer internet
  mustang pepper ginger killer summer winter spring autumn january december monday friday
  hospital clinic doctor nurse medical health healthcare patient physician continuum
  correcthorsebatterystaple`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);

const NUMERIC = [...COMMON].filter((w) => /^\d{6,}$/.test(w));

/** The password with any run of trailing digits and symbols removed. */
const stem = (p: string): string => p.replace(/[^A-Za-z]+$/, '');

export function isCommonPassword(password: string): boolean {
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return true;
  const base = stem(lower);
  if (base.length > 0) return COMMON.has(base);
  // No letters: common when it starts with a common run of digits ("123456789012").
  return /^\d+$/.test(lower) && NUMERIC.some((n) => lower.startsWith(n));
}
