export function format(value: unknown) {
  return String(value)
}
