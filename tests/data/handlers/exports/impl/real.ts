export const handler = async (event: unknown) => {
  return event
}

export function main(event: unknown) {
  return event
}
