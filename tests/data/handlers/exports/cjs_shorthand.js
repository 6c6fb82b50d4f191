async function handler(event) {
  return event
}

module.exports = { handler }
