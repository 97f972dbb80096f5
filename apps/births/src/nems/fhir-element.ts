import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * One FHIR element, read the same way whether it came as XML or JSON. Every child is a list
 * (FHIR's cardinality differs between STU3 and R4 and we do not carry either's definitions),
 * and a primitive's value sits beside its extensions, as in FHIR XML. A resource is an
 * element with a `resourceType` child, as in FHIR JSON.
 */
export interface FhirElement {
  value?: string;
  children: Map<string, FhirElement[]>;
}

/** Input that is not well-formed XML or JSON, or not a FHIR resource at all. */
export class MalformedInput extends Error {}

export function all(element: FhirElement | undefined, name: string): FhirElement[] {
  return element?.children.get(name) ?? [];
}

/** The first element along a dotted path ("valueQuantity.code"), taking the first of each step. */
export function first(element: FhirElement | undefined, path: string): FhirElement | undefined {
  let current = element;
  for (const step of path.split('.')) current = all(current, step)[0];
  return current;
}

export function valueAt(element: FhirElement | undefined, path: string): string | undefined {
  return first(element, path)?.value;
}

/** An extension of `element` whose url is `url`. */
export function extension(element: FhirElement | undefined, url: string): FhirElement | undefined {
  return all(element, 'extension').find((e) => valueAt(e, 'url') === url);
}

function emptyElement(): FhirElement {
  return { children: new Map() };
}

function addChild(parent: FhirElement, name: string, child: FhirElement): void {
  const list = parent.children.get(name);
  if (list) list.push(child);
  else parent.children.set(name, [child]);
}

// ---------------------------------------------------------------------------------------------
// XML. FHIR XML puts every primitive in a `value` attribute and names a resource by its element
// (<resource><Patient>…), so a generic XML parser plus these two rules gives the same tree as
// FHIR JSON, without any version's StructureDefinitions.

type OrderedNode = Record<string, unknown>;

const xmlParser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // FHIR XML uses only the five predefined entities; HTML entities are not expected.
  htmlEntities: false,
});

export function fromXml(body: string): FhirElement {
  // A DTD has no place in FHIR XML and is the door to entity-expansion and XXE attacks.
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) throw new MalformedInput('XML with a DTD is not accepted');
  const valid = XMLValidator.validate(body);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw new MalformedInput(`XML is not well formed: ${msg} (line ${line}, column ${col})`);
  }
  const roots = (xmlParser.parse(body) as OrderedNode[]).filter((n) => tagOf(n) !== undefined);
  const root = roots[0];
  const rootTag = root && tagOf(root);
  if (!root || !rootTag || !isResourceName(rootTag)) {
    throw new MalformedInput('the XML root is not a FHIR resource');
  }
  return resourceFromXml(rootTag, root);
}

function tagOf(node: OrderedNode): string | undefined {
  return Object.keys(node).find((k) => k !== ':@' && k !== '#text' && !k.startsWith('?'));
}

function isResourceName(tag: string): boolean {
  return /^[A-Z]/.test(tag);
}

function resourceFromXml(resourceType: string, node: OrderedNode): FhirElement {
  const element = elementFromXml(node, resourceType);
  element.children.set('resourceType', [{ value: resourceType, children: new Map() }]);
  return element;
}

function elementFromXml(node: OrderedNode, tag: string): FhirElement {
  const element = emptyElement();
  const attributes = (node[':@'] ?? {}) as Record<string, string>;
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'value') element.value = value;
    else if (name !== 'xmlns') addChild(element, name, { value, children: new Map() });
  }
  for (const child of (node[tag] ?? []) as OrderedNode[]) {
    const childTag = tagOf(child);
    if (!childTag) continue;
    // <resource><Patient>…</Patient></resource>: the resource stands in for its wrapper.
    const grandChildren = (child[childTag] ?? []) as OrderedNode[];
    const wrapped = grandChildren.length === 1 ? grandChildren[0] : undefined;
    const wrappedTag = wrapped && tagOf(wrapped);
    if (wrapped && wrappedTag && isResourceName(wrappedTag)) {
      addChild(element, childTag, resourceFromXml(wrappedTag, wrapped));
    } else {
      addChild(element, childTag, elementFromXml(child, childTag));
    }
  }
  return element;
}

// ---------------------------------------------------------------------------------------------
// JSON. A primitive "birthDate" and its "_birthDate" (id and extensions) become one element.

export function fromJson(body: string): FhirElement {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new MalformedInput(`JSON is not well formed: ${(error as Error).message}`);
  }
  if (!isObject(parsed) || typeof parsed.resourceType !== 'string') {
    throw new MalformedInput('the JSON is not a FHIR resource (no resourceType)');
  }
  return elementFromJson(parsed);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function elementFromJson(object: Record<string, unknown>): FhirElement {
  const element = emptyElement();
  for (const [key, raw] of Object.entries(object)) {
    if (key.startsWith('_') || key === 'fhir_comments') continue;
    const values = Array.isArray(raw) ? (raw as unknown[]) : [raw];
    const primitiveExtras = object[`_${key}`];
    const extras = Array.isArray(primitiveExtras)
      ? (primitiveExtras as unknown[])
      : [primitiveExtras];
    values.forEach((value, index) => {
      const child = isObject(value)
        ? elementFromJson(value)
        : primitiveFromJson(value, extras[index]);
      if (child) addChild(element, key, child);
    });
  }
  return element;
}

function primitiveFromJson(value: unknown, extra: unknown): FhirElement | undefined {
  const element = isObject(extra) ? elementFromJson(extra) : emptyElement();
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    element.value = String(value);
  } else if (element.children.size === 0) {
    return undefined;
  }
  return element;
}
