module.exports = {
  async handler(event) {
    return event
  },
}
