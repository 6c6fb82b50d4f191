export async function handler(event: unknown) {
  return event
}
