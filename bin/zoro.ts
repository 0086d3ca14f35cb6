#!/usr/bin/env node
console.log('zoro 0.1.0');
