export function log(message: string) {
  console.log(message)
}
