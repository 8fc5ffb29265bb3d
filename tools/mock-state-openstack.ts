/**
 * Mock outputs of the OpenStack resources whose real outputs the program reads back; see mock-state.ts.
 * OpenStackImage reads only each Glance image's ID; a plan also shows the image as Glance reports a
 * finished web-download import: active.
 */
export function openstackMockState(type: string, _name: string, _inputs: Record<string, unknown>): Record<string, unknown> | undefined {
    if (type === "openstack:images/image:Image") {
        return { status: "active" };
    }
    return undefined;
}
