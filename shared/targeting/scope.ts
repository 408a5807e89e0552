/**
 * The two facts targeting needs from the policy, derived by the pipeline so that targeting does
 * not depend on the policy schema (stages never import one another: docs/ARCHITECTURE.md).
 */
export interface TargetingScope {
  /**
   * The applications a sweep lists when the request names none; `undefined` means every
   * application of the account (listed with DescribeApplications).
   */
  sweepAppIds?: readonly string[];
  /** True when a rule needs each change's AppId (e.g. `protect.appIds` is set). */
  needAppId: boolean;
}
