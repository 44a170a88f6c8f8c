#!/usr/bin/env node
'use strict';
require('../dist/logbook.cjs');
