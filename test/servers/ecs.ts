/**
 * A local ECS API for the AliCloud dynamic providers' tests (ImportImage, DescribeImages, CopyImage,
 * ModifyImageSharePermission, DescribeImageSharePermission, DeleteImage): RPC style (the action and its parameters in
 * the query string or a form body, or the action in the x-acs-action header as the SDK's v3 signature
 * sends it), JSON answers with a RequestId, and errors as {Code, Message, RequestId} with the HTTP
 * status ECS uses. It keeps images per region, lets them go through an import's states, and answers
 * faults that a test queues. It listens on 127.0.0.1, on an ephemeral port.
 */
import * as http from "http";
import { AddressInfo } from "net";

/** One image the server knows. */
export interface EcsImage {
    /** The image ID, such as m-000001. */
    ImageId: string;
    /** The image name. */
    ImageName: string;
    /** The region it is in. */
    RegionId: string;
    /** The status it ends in: Available, or CreateFailed for an import that fails. */
    FinalStatus: string;
    /** arm64, x86_64 or i386. */
    Architecture: string;
    /** linux or windows. */
    OSType: string;
    /** The platform. */
    Platform: string;
    /** The boot mode. */
    BootMode: string;
    /** The description. */
    Description: string;
    /** The system disk size the image makes, in GiB. */
    Size?: number;
    /** The ImportImage parameters that made it, when it was imported here. */
    ImportParameters?: Record<string, string>;
    /** Whether it is a community image. */
    IsPublic: boolean;
    /** The accounts it is shared with. */
    SharedAccounts: string[];
    /** DescribeImages answers in its region so far. */
    Describes: number;
    /** How many DescribeImages answers do not list it yet. */
    UnlistedDescribes: number;
    /** How many answers after that show it Creating before it reaches its final status. */
    CreatingDescribes: number;
}

/** How an import made through the server behaves. */
export interface ImportBehaviour {
    /** DescribeImages answers that do not list a new image at all. */
    unlistedDescribes: number;
    /** Answers after that which show it Creating (Infinity: it never finishes). */
    creatingDescribes: number;
    /** The status it ends in. */
    finalStatus: "Available" | "CreateFailed";
}

/** An error answer a test queues for an action. */
export interface EcsFault {
    /** The HTTP status, such as 429 or 503. */
    status: number;
    /** The ECS error code, such as Throttling or ServiceUnavailable. */
    code: string;
    /** The message. */
    message?: string;
    /** Carry the request out first, then answer the error: an answer lost on the way back. */
    afterProcessing?: boolean;
}

/** One request the server received. */
export interface EcsRequest {
    /** The action. */
    action: string;
    /** Every parameter, query and form body together. */
    params: Record<string, string>;
    /** Where the action was named: the Action parameter or the x-acs-action header. */
    actionFrom: "parameter" | "header";
}

/** A running local ECS API. */
export interface EcsServer {
    /** host:port, for the providers' `endpoint` input (protocol "http"). */
    endpoint: string;
    /** Every request received, in order. */
    requests: EcsRequest[];
    /** The images, by ID. */
    images: Map<string, EcsImage>;
    /** How the next imports behave. */
    importBehaviour: ImportBehaviour;
    /** Queues error answers for the next requests of an action, one per request. */
    fail(action: string, ...faults: EcsFault[]): void;
    /** Adds an image as if it already existed (Available unless told otherwise). */
    addImage(image: Partial<EcsImage> & { ImageName: string; RegionId: string }): EcsImage;
    /** The requests of one action. */
    calls(action: string): EcsRequest[];
    /** Stops the server. */
    close(): Promise<void>;
}

class EcsError extends Error {
    constructor(public readonly status: number, public readonly code: string, message: string) {
        super(message);
    }
}

function statusOf(image: EcsImage): string | undefined {
    if (image.Describes < image.UnlistedDescribes) {
        return undefined;
    }
    if (image.Describes < image.UnlistedDescribes + image.CreatingDescribes) {
        return image.Describes === image.UnlistedDescribes ? "Waiting" : "Creating";
    }
    return image.FinalStatus;
}

function required(params: Record<string, string>, name: string): string {
    const value = params[name];
    if (value === undefined || value === "") {
        throw new EcsError(400, "MissingParameter", `The input parameter "${name}" that is mandatory for processing this request is not supplied.`);
    }
    return value;
}

function numbered(params: Record<string, string>, prefix: string): string[] {
    return Object.entries(params)
        .filter(([k]) => new RegExp(`^${prefix}\\.[0-9]+$`).test(k))
        .sort(([a], [b]) => Number(a.split(".").pop()) - Number(b.split(".").pop()))
        .map(([, v]) => v);
}

/** Starts a local ECS API that accepts only the access key ID `accessKeyId`. */
export async function startEcsServer(options: { accessKeyId: string }): Promise<EcsServer> {
    const requests: EcsRequest[] = [];
    const images = new Map<string, EcsImage>();
    const faults = new Map<string, EcsFault[]>();
    const tokens = new Map<string, string>();
    let nextImage = 1;
    let nextRequest = 1;

    const addImage = (image: Partial<EcsImage> & { ImageName: string; RegionId: string }): EcsImage => {
        const full: EcsImage = {
            ImageId: `m-${String(nextImage++).padStart(6, "0")}`,
            FinalStatus: "Available",
            Architecture: "x86_64",
            OSType: "linux",
            Platform: "Others Linux",
            BootMode: "UEFI",
            Description: "",
            IsPublic: false,
            SharedAccounts: [],
            Describes: 0,
            UnlistedDescribes: 0,
            CreatingDescribes: 0,
            ...image,
        };
        images.set(full.ImageId, full);
        return full;
    };

    const imageIn = (params: Record<string, string>): EcsImage => {
        const regionId = required(params, "RegionId");
        const image = images.get(required(params, "ImageId"));
        if (!image || image.RegionId !== regionId) {
            throw new EcsError(404, "InvalidImageId.NotFound", "The specified ImageId does not exist.");
        }
        return image;
    };

    /** Whether an image of the region already carries the name (an import that failed does not count). */
    const nameTaken = (regionId: string, name: string): boolean =>
        [...images.values()].some((i) => i.RegionId === regionId && i.ImageName === name && i.FinalStatus === "Available");

    const server: EcsServer = {
        endpoint: "",
        requests,
        images,
        importBehaviour: { unlistedDescribes: 0, creatingDescribes: 2, finalStatus: "Available" },
        fail: (action, ...queued) => faults.set(action, [...(faults.get(action) ?? []), ...queued]),
        addImage,
        calls: (action) => requests.filter((r) => r.action === action),
        close: () => new Promise<void>((resolve, reject) => {
            httpServer.closeAllConnections();
            httpServer.close((e) => (e ? reject(e) : resolve()));
        }),
    };

    const actions: Record<string, (params: Record<string, string>) => Record<string, unknown>> = {
        ImportImage: (params) => {
            const regionId = required(params, "RegionId");
            const token = params.ClientToken;
            if (token && tokens.has(token)) {
                return { ImageId: tokens.get(token), RegionId: regionId, TaskId: `t-${tokens.get(token)}` };
            }
            const architecture = params.Architecture ?? "x86_64";
            if (!["x86_64", "i386", "arm64"].includes(architecture)) {
                throw new EcsError(400, "InvalidParameter.Architecture", "The specified parameter Architecture is not valid.");
            }
            required(params, "DiskDeviceMapping.1.OSSBucket");
            required(params, "DiskDeviceMapping.1.OSSObject");
            // ImportImage takes BootMode BIOS or UEFI, and arm64 only with UEFI; the codes and messages are
            // those of its error table (https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-importimage).
            const bootMode = params.BootMode ?? "BIOS";
            if (!["BIOS", "UEFI"].includes(bootMode)) {
                throw new EcsError(400, "InvalidBootMode.Malformed", "The specified parameter \"BootMode\" is malformed.");
            }
            if (architecture === "arm64" && bootMode !== "UEFI") {
                throw new EcsError(400, "InvalidBootMode.NotSupport", "The specified parameter BootMode is not supported for current image architecture.");
            }
            // An image name is taken once per region and account (a failed import is not counted here);
            // ImportImage's error table, as above.
            const name = params.ImageName ?? "";
            if (name && nameTaken(regionId, name)) {
                throw new EcsError(400, "InvalidImageName.Duplicated", "The destination image is exist.");
            }
            const behaviour = server.importBehaviour;
            const image = addImage({
                ImageName: params.ImageName ?? "",
                RegionId: regionId,
                Architecture: architecture,
                OSType: params.OSType ?? "linux",
                Platform: params.Platform ?? "",
                BootMode: bootMode,
                Description: params.Description ?? "",
                Size: params["DiskDeviceMapping.1.DiskImageSize"] ? Number(params["DiskDeviceMapping.1.DiskImageSize"]) : undefined,
                ImportParameters: { ...params },
                FinalStatus: behaviour.finalStatus,
                UnlistedDescribes: behaviour.unlistedDescribes,
                CreatingDescribes: behaviour.creatingDescribes,
            });
            if (token) {
                tokens.set(token, image.ImageId);
            }
            return { ImageId: image.ImageId, RegionId: regionId, TaskId: `t-${image.ImageId}` };
        },
        DescribeImages: (params) => {
            const regionId = required(params, "RegionId");
            const ids = params.ImageId ? params.ImageId.split(",") : undefined;
            // Without a Status filter, ECS lists only Available images.
            const statuses = (params.Status ?? "Available").split(",");
            const pageSize = Math.min(Number(params.PageSize ?? 10), 100);
            const pageNumber = Number(params.PageNumber ?? 1);
            const matching: Record<string, unknown>[] = [];
            for (const image of images.values()) {
                if (image.RegionId !== regionId) {
                    continue;
                }
                const status = statusOf(image);
                image.Describes++;
                if (status === undefined || !statuses.includes(status)) {
                    continue;
                }
                // ECS matches image names fuzzily: a name filter also finds longer names.
                if ((ids && !ids.includes(image.ImageId)) || (params.ImageName && !image.ImageName.includes(params.ImageName))) {
                    continue;
                }
                matching.push({
                    ImageId: image.ImageId, ImageName: image.ImageName, Status: status, Progress: status === "Available" ? "100%" : "50%",
                    Architecture: image.Architecture, OSType: image.OSType, Platform: image.Platform, BootMode: image.BootMode,
                    Description: image.Description, ImageOwnerAlias: "self", IsPublic: image.IsPublic, Size: image.Size,
                });
            }
            const page = matching.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
            return { RegionId: regionId, TotalCount: matching.length, PageNumber: pageNumber, PageSize: pageSize, Images: { Image: page } };
        },
        ModifyImageSharePermission: (params) => {
            const image = imageIn(params);
            if (statusOf(image) !== "Available") {
                throw new EcsError(403, "IncorrectImageStatus", "The current status of the image does not support this operation.");
            }
            if (params.IsPublic !== undefined && params.IsPublic !== "true" && params.IsPublic !== "false") {
                throw new EcsError(400, "InvalidParameter.IsPublic", "The specified parameter IsPublic is not valid.");
            }
            const added = numbered(params, "AddAccount");
            // "Community images cannot be shared, exported, or copied" (ModifyImageSharePermission,
            // https://www.alibabacloud.com/help/en/ecs/developer-reference/api-modifyimagesharepermission).
            // Codes from its error table: IsPublic sent with accounts conflicts (InvalidParameter.IsPublic);
            // accounts added to a community image are refused as Image.Public.
            if (added.length > 0 && params.IsPublic !== undefined) {
                throw new EcsError(403, "InvalidParameter.IsPublic", "The specified parameter IsPublic is conflicted with other parameters.");
            }
            if (added.length > 0 && image.IsPublic) {
                throw new EcsError(403, "Image.Public", "The specified image is public image.");
            }
            if (params.IsPublic !== undefined) {
                image.IsPublic = params.IsPublic === "true";
            }
            const removed = numbered(params, "RemoveAccount");
            image.SharedAccounts = [...new Set([...image.SharedAccounts, ...added])].filter((a) => !removed.includes(a));
            return {};
        },
        CopyImage: (params) => {
            const source = imageIn(params);
            const destination = params.DestinationRegionId ?? source.RegionId;
            // CopyImage's error table (https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-copyimage):
            // only Available images are copied; community images are not copied at all; an unencrypted copy
            // goes to another region, never its own (IncorrectDestinationRegion: "The source region must be
            // different from the destination region"; a same-region copy only re-encrypts, which a community
            // image cannot be); and the destination name is taken once in the destination region.
            if (statusOf(source) !== "Available") {
                throw new EcsError(400, "IncorrectImageStatus", "The image not available.");
            }
            if (source.IsPublic) {
                throw new EcsError(400, "OperationDenied.CommunityImage", "Community image does not support copy.");
            }
            if (destination === source.RegionId && params.Encrypted !== "true") {
                throw new EcsError(403, "IncorrectDestinationRegion", "The destination region is not equal the target region.");
            }
            if (params.DestinationImageName && nameTaken(destination, params.DestinationImageName)) {
                throw new EcsError(400, "InvalidImageName.Duplicated", "The specified image name is already in use in the target region. Please try a different one.");
            }
            const copy = addImage({
                ImageName: params.DestinationImageName ?? source.ImageName,
                RegionId: destination,
                Architecture: source.Architecture, OSType: source.OSType, Platform: source.Platform, BootMode: source.BootMode,
                Description: params.DestinationDescription ?? source.Description,
                Size: source.Size,
            });
            return { ImageId: copy.ImageId };
        },
        DescribeImageSharePermission: (params) => {
            const image = imageIn(params);
            return {
                ImageId: image.ImageId, RegionId: image.RegionId, TotalCount: image.SharedAccounts.length, PageNumber: 1, PageSize: 100,
                Accounts: { Account: image.SharedAccounts.map((AliyunId) => ({ AliyunId })) },
                ShareGroups: { ShareGroup: image.IsPublic ? [{ Group: "all" }] : [] },
            };
        },
        DeleteImage: (params) => {
            const image = imageIn(params);
            images.delete(image.ImageId);
            return {};
        },
    };

    const answer = (res: http.ServerResponse, status: number, body: Record<string, unknown>): void => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify({ RequestId: `req-${nextRequest++}`, ...body }));
    };

    const handle = (req: http.IncomingMessage, body: string, res: http.ServerResponse): void => {
        const url = new URL(req.url ?? "/", "http://localhost");
        const params: Record<string, string> = Object.fromEntries(url.searchParams);
        if ((req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
            Object.assign(params, Object.fromEntries(new URLSearchParams(body)));
        }
        const header = req.headers["x-acs-action"];
        const action = params.Action ?? (typeof header === "string" ? header : "");
        requests.push({ action, params, actionFrom: params.Action ? "parameter" : "header" });
        try {
            const version = params.Version ?? req.headers["x-acs-version"];
            if (version !== "2014-05-26") {
                throw new EcsError(400, "InvalidVersion", `Specified parameter Version is not valid: ${String(version)}`);
            }
            const accessKeyId = params.AccessKeyId ?? /Credential=([^,]+)/.exec(req.headers.authorization ?? "")?.[1];
            if (accessKeyId !== options.accessKeyId) {
                throw new EcsError(403, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
            }
            const run = actions[action];
            if (!run) {
                throw new EcsError(400, "InvalidAction.NotFound", `Specified api is not found: ${action}`);
            }
            const fault = faults.get(action)?.shift();
            if (fault) {
                if (fault.afterProcessing) {
                    run(params);
                }
                throw new EcsError(fault.status, fault.code, fault.message ?? `${fault.code} (queued by the test)`);
            }
            answer(res, 200, run(params));
        } catch (error) {
            if (!(error instanceof EcsError)) {
                throw error;
            }
            answer(res, error.status, { Code: error.code, Message: error.message, HostId: "ecs.local" });
        }
    };

    const httpServer = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            try {
                handle(req, Buffer.concat(chunks).toString("utf8"), res);
            } catch (error) {
                answer(res, 500, { Code: "InternalError", Message: String(error) });
            }
        });
    });
    await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
    server.endpoint = `127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
    return server;
}
