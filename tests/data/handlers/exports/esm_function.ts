export function handler(event: unknown) {
  return event
}
