module.exports = {
  handler: async (event) => event,
  other: 1,
}
