module.exports = require('./impl/cjs_impl')
