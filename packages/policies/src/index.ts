/**
 * @docket/policies — statutes as versioned, cited clock rules, on one page.
 *
 * `Policy` is the model and the registry (`all`, `byId`, `defaultRules`,
 * `forProfile`); one module per policy id of `docket policies`; `Custom`
 * compiles a platform's own policies (TypeScript, JSON or YAML); `Catalog`
 * lists every rule and writes the documentation pages.
 */
export * as Policy from './Policy.js'
export * as UsReport2258a from './UsReport2258a.js'
export * as UsPreservation2703f from './UsPreservation2703f.js'
export * as UsTakeItDown from './UsTakeItDown.js'
export * as EuDsa from './EuDsa.js'
export * as EuTco from './EuTco.js'
export * as EuEEvidence from './EuEEvidence.js'
export * as UkOsa from './UkOsa.js'
export * as AuOsa from './AuOsa.js'
export * as InItRules from './InItRules.js'
export * as DeNetzdg from './DeNetzdg.js'
export * as FrLcen from './FrLcen.js'
export * as CaMandatoryReporting from './CaMandatoryReporting.js'
export * as BrEcaDigital from './BrEcaDigital.js'
export * as Catalog from './Catalog.js'
export * as Custom from './Custom.js'
