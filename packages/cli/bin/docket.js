#!/usr/bin/env node
// The `docket` executable. A committed file, so that package managers can link
// it before the first build; the command itself is compiled to dist/main.js.
import { main } from '../dist/main.js'

main()
