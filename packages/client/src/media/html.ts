/** `Html` (W&B's `wandb.Html`): a page shown in an HTML panel. */
import { statSync } from 'node:fs';
import { FileMedia, readMediaFile } from './file-media.js';
import type { MediaContext, WBValue } from './wb-value.js';

/** Options of `new Html(...)`. */
export interface HtmlOptions {
  /** Adds W&B's stylesheet and `<base target="_blank">` to the head (default true), as W&B does. */
  inject?: boolean;
}

const HEAD = '<base target="_blank"><link rel="stylesheet" type="text/css" href="https://app.wandb.ai/normalize.css" />';

/**
 * An HTML page, logged as `{"_type": "html-file", "path": "media/html/<key>_<step>_<sha20>.html",
 * "sha256", "size"}`.
 *
 * The string is HTML, except when it names a file: a string without '<' that ends in .html or .htm
 * is the path of a file, read now (it must exist; HTML content always has a '<', so it is never
 * taken for a path). W&B takes any string that is an existing path; this rule cannot misread HTML
 * and reports a mistyped path instead of logging its name as the page.
 */
export class Html extends FileMedia {
  readonly wandbType = 'html-file';
  protected readonly kind = 'html';
  /** The page as logged (after injection). */
  readonly html: string;

  constructor(data: string, options: HtmlOptions = {}) {
    const source = readHtml(data);
    const inject = options.inject ?? true;
    const page = inject ? injectHead(source.text) : source.text;
    // A file logged without injection is kept byte for byte, as W&B copies it.
    super(!inject && source.file ? source.file : new TextEncoder().encode(page), 'html', undefined, 'Html');
    this.html = page;
  }

  toWandbJson(ctx: MediaContext): Record<string, unknown> {
    return this.fileJson(ctx);
  }

  /** W&B's `html`: every page's JSON. */
  static seqToWandbJson(items: readonly WBValue[], ctx: MediaContext): Record<string, unknown> {
    return { _type: 'html', count: items.length, html: items.map((item) => item.toWandbJson(ctx)) };
  }
}

function readHtml(data: unknown): { text: string; file?: Uint8Array } {
  if (typeof data !== 'string') throw new TypeError(`Html needs a string of HTML or the path of an .html file, got ${data === null ? 'null' : typeof data}`);
  if (data.includes('<') || !/\.html?$/i.test(data)) return { text: data };
  if (!statSync(data, { throwIfNoEntry: false })?.isFile()) throw new TypeError(`Html: ${JSON.stringify(data)} looks like the path of an HTML file, but there is no such file`);
  const file = readMediaFile(data, 'Html');
  return { text: new TextDecoder().decode(file), file };
}

/** W&B's `Html._inject_head`. */
function injectHead(html: string): string {
  let parts: string[];
  if (html.includes('<head>')) {
    const at = html.indexOf('<head>') + '<head>'.length;
    parts = [html.slice(0, at), html.slice(at)];
  } else if (html.includes('<html>')) {
    const at = html.indexOf('<html>');
    parts = [`${html.slice(0, at)}<html><head>`, `</head>${html.slice(at + '<html>'.length)}`];
  } else {
    parts = ['', html];
  }
  return `${parts[0]}${HEAD}${parts[1]}`.trim();
}
