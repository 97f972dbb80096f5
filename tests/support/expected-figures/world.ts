/**
 * Reads a generated data set's truth for the independent recomputation of figures: the world's
 * event log (`truth/world.ndjson`) and the boundaries (`geography/boundaries.json`).
 *
 * Only world events with a `reportedOn` are kept: the others were never sent to the services,
 * so the services cannot know them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GeographyBoundariesV1 } from '@lib/contracts';
import type { WorldEvent } from '@lib/synthetic';

/** The world events the services were told about, in file (date) order. */
export function readWorld(dataDir: string): WorldEvent[] {
  const text = readFileSync(join(dataDir, 'truth', 'world.ndjson'), 'utf8');
  const events: WorldEvent[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const event = JSON.parse(line) as WorldEvent;
    if (event.reportedOn !== undefined) events.push(event);
  }
  return events;
}

/** The (single) boundary version of the data set. */
export function readBoundaries(dataDir: string): GeographyBoundariesV1 {
  const text = readFileSync(join(dataDir, 'geography', 'boundaries.json'), 'utf8');
  return JSON.parse(text) as GeographyBoundariesV1;
}

/** Both at once. */
export function loadWorld(dataDir: string): {
  world: WorldEvent[];
  boundaries: GeographyBoundariesV1;
} {
  return { world: readWorld(dataDir), boundaries: readBoundaries(dataDir) };
}
