// What the search benchmark measures in-process: the index's own steps, bundled apart from the library's public surface.
export { openCorpus, loadCorpus, saveCorpus, updateCorpus, searchDir } from '../src/search/cache.js';
export { addEvents, corpusOf } from '../src/search/corpus.js';
export { evaluate } from '../src/search/evaluate.js';
export { parseQuery } from '../src/search/query.js';
export { eventText } from '../src/search/text.js';
export { GitStore } from '../src/store/git.js';
