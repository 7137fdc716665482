// Case conversions with the exact semantics of Python's stringcase 1.0.6, which the original Cloudlift used for
// every stack, resource and image name. Byte-identical names are what let existing installations switch unchanged.

/** stringcase.camelcase: drop one leading separator, lower the first char, upper a lower-case letter after a separator. */
export function camel(input: string): string {
  const text = input.replace(/^[-_.]/, '');
  if (text === '') {
    return text;
  }
  const first = text.charAt(0).toLowerCase();
  // Only a separator followed by a lower-case ASCII letter is consumed; any other separator is kept as is.
  const rest = text.slice(1).replace(/[-_.\s]([a-z])/g, (_match, letter: string) => letter.toUpperCase());
  return first + rest;
}

/** stringcase.pascalcase: camel, then upper-case the first character. */
export function pascal(input: string): string {
  const text = camel(input);
  return text === '' ? text : text.charAt(0).toUpperCase() + text.slice(1);
}

/** stringcase.snakecase: separators to `_`, lower the first char, `_` + lower before every later capital. */
export function snake(input: string): string {
  const text = input.replace(/[-.\s]/g, '_');
  if (text === '') {
    return text;
  }
  return (
    text.charAt(0).toLowerCase() + text.slice(1).replace(/[A-Z]/g, (capital) => `_${capital.toLowerCase()}`)
  );
}

/** stringcase.spinalcase: snake case with `-` instead of `_` (`MyApp` → `my-app`, `My-App` → `my--app`). */
export function spinal(input: string): string {
  return snake(input).replace(/_/g, '-');
}

/** Removes every character CloudFormation does not allow in a logical id. */
export function alphanumeric(input: string): string {
  return input.replace(/[^a-zA-Z0-9]/g, '');
}
