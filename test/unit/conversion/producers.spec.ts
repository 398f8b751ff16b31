/** What producers other than TeX write: Ghostscript, Word, FrameMaker, FOP, Asciidoctor PDF. */
import { analyzeLayout } from '../../../src/conversion/analyze';
import { MemoryAssetStore } from '../../../src/conversion/assets';
import { collapsedSpacePdf } from '../../helpers/producer-fixtures';

const ctx = () => ({ assets: new MemoryAssetStore() });

describe('text as other producers set it', () => {
  it('does not break a word at a space character that word spacing shrinks to nothing', async () => {
    const layout = await analyzeLayout(await collapsedSpacePdf(), ctx(), { parallelism: 1 });
    const text = layout.pages[0].lines.map((l) => l.text).join('\n');
    expect(text).toContain('so negative indices count back');
  });
});
