import { CheckContext } from "./context";
import { checkReleases } from "./releases";
import { checkAws } from "./aws";
import { checkAzure } from "./azure";
import { checkGcp } from "./gcp";
import { checkAliCloud } from "./alicloud";
import { checkOpenStack } from "./openstack";
import { checkLists } from "./lists";
import { checkNames } from "./names";
import { checkAwsInputs } from "./aws-inputs";
import { checkStaging } from "./staging";
import { checkVariants } from "./variants";

export { PartialConfig, CheckContext, checkContext } from "./context";
export { rawArtifact, enabledClouds } from "./artifacts";
export { closest } from "./regions";

/** Every rule that spans more than one field, in the order the problems are listed. */
export function crossCheck(ctx: CheckContext): void {
    checkReleases(ctx);
    checkAws(ctx);
    checkAzure(ctx);
    checkGcp(ctx);
    checkAliCloud(ctx);
    checkOpenStack(ctx);
    checkLists(ctx);
    checkNames(ctx);
    checkAwsInputs(ctx);
    checkStaging(ctx);
    checkVariants(ctx);
}
