import { GitStore } from '../../src/store/git.js';
import { MemoryStore } from '../../src/store/memory.js';
import { makeRepo } from '../helpers/repo.js';
import { testEventStore } from './contract.js';
import path from 'node:path';

testEventStore('memory', async () => new MemoryStore());
testEventStore('git', async () => new GitStore(path.join(makeRepo(), '.git')));
