/**
 * The image-publisher policy pack. Run it with a preview or an update:
 *
 *   pulumi preview --stack prod --policy-pack policy
 *
 * Constructing the PolicyPack starts the analyzer's gRPC server, so this file does nothing else;
 * the policies live in ./pack and the rules in ./rules.
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./pack";

new PolicyPack("image-publisher", { policies, enforcementLevel: "mandatory" });
