/** The text that stands in for a secret value, in the config the plan reads and in what it prints. */
export const secretMarker = "[secret]";
