/**
 * The checks a VHD must pass before it is copied, read from its last 512 bytes, the hard disk footer
 * (Microsoft "Virtual Hard Disk Image Format Specification", Hard Disk Footer Format: cookie
 * "conectix" at 0, current size at 48, disk type at 60, checksum at 64, all big-endian). Azure takes
 * only fixed VHDs whose virtual size is a whole number of MiB ("The VHDX format isn't supported in
 * Azure, only fixed VHD"; "All VHDs on Azure must have a virtual size aligned to 1 MB", Microsoft
 * Learn, "Prepare Linux for imaging in Azure"). Pure functions with no I/O.
 */

/** The size of a VHD footer: the last 512 bytes of a fixed VHD. */
export const FOOTER_SIZE = 512;

/** Azure's alignment of a VHD's virtual size: 1 MiB. */
export const VIRTUAL_SIZE_ALIGNMENT = 1024 * 1024;

/** The disk type of a fixed VHD in the footer (2); 3 is dynamic, 4 differencing. */
export const FIXED_DISK_TYPE = 2;

/** The names of the disk types of the footer. */
const diskTypes: Record<number, string> = { 0: "none", 2: "fixed", 3: "dynamic", 4: "differencing" };

/** The one's complement of the sum of the footer's bytes, its checksum field (bytes 64-67) left out. */
export function footerChecksum(footer: Uint8Array): number {
    let sum = 0;
    for (let i = 0; i < FOOTER_SIZE; i++) {
        if (i < 64 || i > 67) {
            sum += footer[i];
        }
    }
    return ~sum >>> 0;
}

/**
 * Why a VHD whose file is `fileSize` bytes and ends with `footer` cannot be published to Azure, or
 * undefined when it can: it must end with a valid footer of a fixed disk whose virtual size is a
 * whole number of MiB and fills the file up to the footer.
 */
export function vhdFooterProblem(footer: Uint8Array, fileSize: number): string | undefined {
    const view = Buffer.from(footer.buffer, footer.byteOffset, footer.byteLength);
    if (view.length !== FOOTER_SIZE || view.toString("latin1", 0, 8) !== "conectix") {
        return "its last 512 bytes are not a VHD footer (no \"conectix\" cookie); Azure takes a fixed VHD, not a raw, VHDX or qcow2 image";
    }
    const checksum = view.readUInt32BE(64);
    if (checksum !== footerChecksum(view)) {
        return `its VHD footer's checksum is ${checksum}, not ${footerChecksum(view)}: the footer is damaged`;
    }
    const diskType = view.readUInt32BE(60);
    if (diskType !== FIXED_DISK_TYPE) {
        return `its VHD footer says disk type ${diskType} (${diskTypes[diskType] ?? "unknown"}); Azure takes fixed VHDs only (disk type 2): convert it, e.g. qemu-img convert -O vpc -o subformat=fixed,force_size`;
    }
    const virtualSize = Number(view.readBigUInt64BE(48));
    if (virtualSize % VIRTUAL_SIZE_ALIGNMENT !== 0) {
        return `its virtual size of ${virtualSize} bytes is not a whole number of MiB; Azure needs a VHD's virtual size aligned to 1 MiB: ` +
            "resize the raw image to a multiple of 1 MiB before converting it";
    }
    if (virtualSize + FOOTER_SIZE !== fileSize) {
        return `its VHD footer says a virtual size of ${virtualSize} bytes, but a fixed VHD of that size is ${virtualSize + FOOTER_SIZE} bytes and this one is ${fileSize}`;
    }
    return undefined;
}
