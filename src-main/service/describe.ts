/**
 * config:describe and the CLI's flags, both built from the RunConfig zod schema (through zod's
 * own JSON Schema export), so a new config field appears in the UI form and as a flag at once.
 */
import { z } from 'zod';
import type { ApiResponses } from '../shared/channels.js';
import { RunConfigSchema, parseRunConfig } from '../shared/run-config.js';
import { CONFIG_HELP } from './config-help.js';

export type FieldDescription = ApiResponses['config:describe']['fields'][number] & { nullable: boolean; itemType?: 'number' | 'integer' | 'string' };

interface JsonSchemaNode {
  type?: string; enum?: unknown[]; anyOf?: JsonSchemaNode[]; items?: JsonSchemaNode; description?: string;
}

function kindOf(node: JsonSchemaNode): { type: FieldDescription['type']; nullable: boolean; options?: string[]; itemType?: FieldDescription['itemType'] } {
  if (node.anyOf) {
    const parts = node.anyOf.filter((n) => n.type !== 'null');
    const nullable = parts.length < node.anyOf.length;
    // A number that may also be written as a fraction string ("8/255") is a number.
    const inner = parts.length === 1 ? parts[0] : parts.find((n) => n.type === 'number' || n.type === 'integer' || n.anyOf) ?? parts[0];
    return { ...kindOf(inner), nullable: nullable || kindOf(inner).nullable };
  }
  if (node.enum) return { type: 'enum', nullable: false, options: node.enum.map(String) };
  switch (node.type) {
    case 'integer': return { type: 'integer', nullable: false };
    case 'number': return { type: 'number', nullable: false };
    case 'boolean': return { type: 'boolean', nullable: false };
    case 'array': {
      const t = node.items?.type;
      return { type: 'array', nullable: false, itemType: t === 'integer' || t === 'number' ? t : 'string' };
    }
    default: return { type: 'string', nullable: false };
  }
}

let cached: FieldDescription[] | null = null;

export function describeRunConfig(): FieldDescription[] {
  if (cached) return cached;
  const schema = z.toJSONSchema(RunConfigSchema, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, JsonSchemaNode> };
  const defaults = parseRunConfig({}, 'describeRunConfig') as Record<string, unknown>;
  cached = RunConfigSchema.keyof().options.map((key) => {
    const node = schema.properties[key];
    const k = kindOf(node);
    const field: FieldDescription = { key, type: k.type, default: defaults[key], nullable: k.nullable };
    if (k.options) field.options = k.options;
    if (k.itemType) field.itemType = k.itemType;
    const description = CONFIG_HELP[key] ?? RunConfigSchema.shape[key].description ?? node.description;
    if (description) field.description = description;
    return field;
  });
  return cached;
}
