function legacyConnect() {
  return 'legacy'
}

module.exports = { legacyConnect }
