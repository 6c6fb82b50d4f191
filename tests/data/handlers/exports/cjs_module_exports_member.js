module.exports.handler = function (event, context) {
  return context
}
