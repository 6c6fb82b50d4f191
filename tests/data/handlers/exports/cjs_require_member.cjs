module.exports.handler = require('./impl/cjs_impl').handler
