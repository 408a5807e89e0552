'use strict';
/**
 * Stand-in for `xml2js` in the function bundle (scripts/build.mjs aliases it here).
 * @alicloud/pop-core's ROAClient requires xml2js at load time but only calls it to parse an XML
 * reply when `rawBody` is not set; our Web+ client always passes `rawBody` and parses replies
 * itself, so reaching this is a bug: it throws instead of silently misparsing.
 */
function unavailable() {
  throw new Error('xml2js is stubbed out of the function bundle (scripts/build.mjs)');
}
class Parser {
  constructor() {
    unavailable();
  }
}
module.exports = { parseString: unavailable, Parser, Builder: Parser };
