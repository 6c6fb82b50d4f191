export default async function (event: unknown) {
  return event
}
