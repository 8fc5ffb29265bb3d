/**
 * A local EC2 Query API server for AMI deprecation: EnableImageDeprecation, DisableImageDeprecation and
 * DescribeImages, as @aws-sdk/client-ec2 sends them (form-encoded POST, Action and Version) and as EC2
 * answers (XML in the 2016-11-15 namespace; errors as <Response><Errors><Error>). It keeps AMIs per
 * region (the region comes from the SigV4 credential scope, since every region's client is aimed at
 * this one endpoint), records every request, and injects faults.
 *
 * What it refuses, as EC2 does:
 * - an unknown image ID: InvalidAMIID.NotFound, "The image id '[ami-...]' does not exist" (400);
 * - a malformed one: InvalidAMIID.Malformed (400);
 * - a DeprecateAt in the past ("You can't specify a date in the past", EC2 API Reference,
 *   EnableImageDeprecation): InvalidParameterValue (400). The code is EC2's common one for a bad
 *   parameter value ("Common client error codes"). The message is a guess: the API reference, the SDK
 *   models and the public issues searched give no text for this refusal, so tests match the code
 *   only, never the message.
 * - a DeprecateAt more than 10 years ahead, or for a public AMI more than 2 years after its creation, as
 *   the same reference says (counted here in calendar years of UTC; how EC2 counts them is not documented).
 * A public AMI carries a deprecation time of its creation + 2 years by default, and DisableImageDeprecation
 * on it goes back to that default rather than cancelling it (Amazon EC2 User Guide, "Deprecate an AMI":
 * "by default, the deprecation date of all public AMIs is set to two years from the AMI creation date";
 * to cancel it or move it later "you must make the AMI private").
 * Seconds are rounded to the nearest minute, as the reference says EC2 does. EC2 is eventually consistent:
 * with `visibilityDelayMs` set, DescribeImages keeps showing an AMI's earlier deprecation time for that
 * long (on the server's clock) after EnableImageDeprecation.
 */
import * as http from "http";
import { AddressInfo } from "net";

/** One request as the server saw it. */
export interface Ec2Request {
    /** The Action parameter. */
    action: string;
    /** The region of the request's credential scope. */
    region: string;
    /** Every form parameter. */
    params: Record<string, string>;
    /** The HTTP status answered (0 for a request left unanswered). */
    status: number;
    /** The server's clock at the request. */
    at: number;
}

/** What a fault does. */
export type Ec2FaultKind =
    | "throttling" // 503 RequestLimitExceeded
    | "internal" // 500 InternalError
    | "unavailable" // 503 Unavailable
    | "lostResponse" // carried out, then answered 500 InternalError
    | "hang" // never answered (the client's timeout fires)
    | "notFound" // 400 InvalidAMIID.NotFound, as for an AMI deregistered meanwhile
    | "unauthorized"; // 403 UnauthorizedOperation, as for a role without the permission

/** A fault for the next `times` matching requests. */
export interface Ec2Fault {
    /** The Action it hits; any when unset. */
    action?: string;
    /** What it does. */
    kind: Ec2FaultKind;
    /** How many more requests it hits. */
    times: number;
    /** How many matching requests it lets through first; none when unset. */
    skip?: number;
}

/** An AMI as the server keeps it. */
export interface Ec2Image {
    /** ami-... */
    imageId: string;
    /** Whether it is public (the 2-year limit of DeprecateAt). */
    isPublic?: boolean;
    /** When it was made, in ms. */
    createdAt?: number;
    /** The DeprecationTime, as EC2 reports it (milliseconds included). */
    deprecationTime?: string;
    /** The time DescribeImages still shows until `visibleFrom`, after a change not yet visible. */
    shownBefore?: string;
    /** When the last change becomes visible to DescribeImages, in ms. */
    visibleFrom?: number;
}

const XMLNS = "http://ec2.amazonaws.com/doc/2016-11-15/";
const YEAR_MS = 365.25 * 24 * 3_600_000;

/** Two calendar years after `ms`: a public AMI's default deprecation time and its latest one. */
export function twoYearsAfter(ms: number): number {
    const at = new Date(ms);
    at.setUTCFullYear(at.getUTCFullYear() + 2);
    return at.getTime();
}

function xmlEscape(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** The local EC2 API. */
export class Ec2Server {
    /** Every request, in order. */
    public readonly requests: Ec2Request[] = [];
    /** Pending faults; each is used up as it answers. */
    public readonly faults: Ec2Fault[] = [];
    /** How long after EnableImageDeprecation DescribeImages keeps showing the earlier time, in ms. */
    public visibilityDelayMs = 0;
    /** The AMIs, keyed by region and ID. */
    private readonly images = new Map<string, Ec2Image>();
    private readonly hanging = new Set<http.ServerResponse>();
    private requestCount = 0;

    private constructor(private readonly server: http.Server, private readonly clock: () => number) {}

    /** Starts a server on a free port; its clock is `now` (the real clock by default). */
    static async start(now: () => number = () => Date.now()): Promise<Ec2Server> {
        const server = http.createServer();
        const self = new Ec2Server(server, now);
        server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
            const chunks: Buffer[] = [];
            req.on("data", (c: Buffer) => chunks.push(c));
            req.on("end", () => self.handle(req, Buffer.concat(chunks).toString("utf8"), res));
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        return self;
    }

    /** The endpoint to give the SDK client. */
    get endpoint(): string {
        return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    }

    /** Stops the server, dropping any request left hanging. */
    close(): Promise<void> {
        for (const res of this.hanging) {
            res.destroy();
        }
        return new Promise((resolve) => this.server.close(() => resolve()));
    }

    /** Adds an AMI in a region. */
    addImage(region: string, image: Ec2Image): void {
        const added: Ec2Image = { createdAt: this.clock(), ...image };
        if (added.isPublic && !("deprecationTime" in image)) {
            added.deprecationTime = new Date(twoYearsAfter(added.createdAt!)).toISOString();
        }
        this.images.set(`${region}/${image.imageId}`, added);
    }

    /** The AMI as the server keeps it. */
    image(region: string, imageId: string): Ec2Image | undefined {
        return this.images.get(`${region}/${imageId}`);
    }

    /** The requests of one action. */
    calls(action: string): Ec2Request[] {
        return this.requests.filter((r) => r.action === action);
    }

    private handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
        const params = Object.fromEntries(new URLSearchParams(body));
        const region = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\/ec2\//.exec(String(req.headers.authorization ?? ""))?.[1] ?? "";
        const record: Ec2Request = { action: params.Action ?? "", region, params, status: 0, at: this.clock() };
        this.requests.push(record);
        const answer = (status: number, xml: string) => {
            record.status = status;
            res.writeHead(status, { "content-type": "text/xml;charset=UTF-8" });
            res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
        };
        const fail = (status: number, code: string, message: string) => answer(status,
            `<Response><Errors><Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error></Errors><RequestID>${this.requestId()}</RequestID></Response>`);

        const fault = this.faults.find((f) => f.times > 0 && (!f.action || f.action === record.action));
        if (fault && fault.skip) {
            fault.skip -= 1;
        } else if (fault) {
            fault.times -= 1;
            switch (fault.kind) {
                case "throttling":
                    return fail(503, "RequestLimitExceeded", "Request limit exceeded.");
                case "internal":
                    return fail(500, "InternalError", "An internal error has occurred.");
                case "unavailable":
                    return fail(503, "Unavailable", "The server is overloaded and can't handle the request.");
                case "notFound":
                    return fail(400, "InvalidAMIID.NotFound", `The image id '[${params.ImageId ?? ""}]' does not exist`);
                case "unauthorized":
                    return fail(403, "UnauthorizedOperation", "You are not authorized to perform this operation.");
                case "hang":
                    this.hanging.add(res);
                    res.on("close", () => this.hanging.delete(res));
                    return;
                case "lostResponse": {
                    this.act(record, () => undefined, () => undefined);
                    return fail(500, "InternalError", "An internal error has occurred.");
                }
            }
        }
        if (!region) {
            return fail(401, "AuthFailure", "AWS was not able to validate the provided access credentials");
        }
        this.act(record, (xml) => answer(200, xml), fail);
    }

    /** Carries out one action, answering through `ok` or `fail`. */
    private act(record: Ec2Request, ok: (xml: string) => void, fail: (status: number, code: string, message: string) => void): void {
        const { action, region, params } = record;
        const wrap = (inner: string) => `<${action}Response xmlns="${XMLNS}"><requestId>${this.requestId()}</requestId>${inner}</${action}Response>`;
        const lookup = (imageId: string | undefined): Ec2Image | undefined => {
            if (!imageId || !/^ami-[0-9a-f]{8,17}$/.test(imageId)) {
                fail(400, "InvalidAMIID.Malformed", `Invalid id: "${imageId ?? ""}" (expecting "ami-...")`);
                return undefined;
            }
            const image = this.images.get(`${region}/${imageId}`);
            if (!image) {
                fail(400, "InvalidAMIID.NotFound", `The image id '[${imageId}]' does not exist`);
            }
            return image;
        };
        switch (action) {
            case "DescribeImages": {
                const ids = Object.entries(params).filter(([k]) => /^ImageId\.\d+$/.test(k)).map(([, v]) => v);
                const found: Ec2Image[] = [];
                for (const id of ids) {
                    const image = lookup(id);
                    if (!image) {
                        return;
                    }
                    found.push(image);
                }
                const items = found.map((i) => `<item><imageId>${i.imageId}</imageId><imageState>available</imageState>` +
                    `<isPublic>${i.isPublic === true}</isPublic>` +
                    `<creationDate>${new Date(i.createdAt ?? 0).toISOString()}</creationDate>` +
                    (this.shownTime(i) ? `<deprecationTime>${this.shownTime(i)}</deprecationTime>` : "") + "</item>").join("");
                return ok(wrap(`<imagesSet>${items}</imagesSet>`));
            }
            case "EnableImageDeprecation": {
                const image = lookup(params.ImageId);
                if (!image) {
                    return;
                }
                const requested = Date.parse(params.DeprecateAt ?? "");
                if (Number.isNaN(requested)) {
                    return fail(400, "InvalidParameterValue", `Value (${params.DeprecateAt ?? ""}) for parameter deprecateAt is invalid.`);
                }
                const at = Math.round(requested / 60_000) * 60_000;
                const now = this.clock();
                if (at <= now) {
                    return fail(400, "InvalidParameterValue", "The deprecation time must be in the future; you can't specify a date in the past.");
                }
                const limit = image.isPublic ? twoYearsAfter(image.createdAt ?? now) : now + 10 * YEAR_MS;
                if (at > limit) {
                    return fail(400, "InvalidParameterValue", `The deprecation time can't be more than ${image.isPublic ? "2 years after the creation of a public AMI" : "10 years from now"}.`);
                }
                if (this.visibilityDelayMs > 0) {
                    image.shownBefore = this.shownTime(image);
                    image.visibleFrom = now + this.visibilityDelayMs;
                }
                image.deprecationTime = new Date(at).toISOString();
                return ok(wrap("<return>true</return>"));
            }
            case "DisableImageDeprecation": {
                const image = lookup(params.ImageId);
                if (!image) {
                    return;
                }
                if (image.isPublic) {
                    image.deprecationTime = new Date(twoYearsAfter(image.createdAt ?? this.clock())).toISOString();
                } else {
                    delete image.deprecationTime;
                }
                return ok(wrap("<return>true</return>"));
            }
            default:
                return fail(400, "InvalidAction", `The action ${action} is not valid for this web service.`);
        }
    }

    /** The deprecation time DescribeImages shows now: the earlier one while a change is not yet visible. */
    private shownTime(image: Ec2Image): string | undefined {
        return image.visibleFrom !== undefined && this.clock() < image.visibleFrom ? image.shownBefore : image.deprecationTime;
    }

    private requestId(): string {
        this.requestCount += 1;
        return `00000000-0000-4000-8000-${String(this.requestCount).padStart(12, "0")}`;
    }
}
