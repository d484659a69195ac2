#!/usr/bin/env node
// kubectl plugin entry point: `kubectl mirror <verb> …` runs `mirrorctl <verb> …`.
import '../bin/mirrorctl.js';
