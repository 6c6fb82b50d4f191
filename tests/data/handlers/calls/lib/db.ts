export function getClient() {
  return 'client'
}
