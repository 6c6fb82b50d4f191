exports.parse = (text) => JSON.parse(text)
exports.stringify = (value) => JSON.stringify(value)
