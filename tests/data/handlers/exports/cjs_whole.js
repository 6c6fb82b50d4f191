module.exports = function (event) {
  return event
}
