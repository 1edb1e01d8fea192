#!/usr/bin/env node
// Runs the bundled CLI (`npm run build` produces dist/main.js and the chunks it loads on demand).
import "../dist/main.js"
