exports.handler = async function realHandler(event) {
  return event
}
