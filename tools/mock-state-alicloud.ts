/** Mock outputs of the Alicloud resources whose real outputs the program reads back; see mock-state.ts. */
export function alicloudMockState(_type: string, _name: string, _inputs: Record<string, unknown>): Record<string, unknown> | undefined {
    return undefined;
}
