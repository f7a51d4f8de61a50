// Reads a JSON array of strings on stdin; prints, for each, Twilio's segment calculator result.
const { SegmentedMessage } = require('sms-segments-calculator');
let input = '';
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', () => {
  const texts = JSON.parse(input);
  const results = texts.map((text) => {
    const m = new SegmentedMessage(text, 'auto', false);
    return {
      encoding: m.encodingName,
      segments: m.segmentsCount,
      units: m.numberOfCharacters,
      parts: m.segments.map((s) => Array.from(s).filter((c) => c && !c.isUserDataHeader).map((c) => c.raw).join('')),
    };
  });
  process.stdout.write(JSON.stringify(results));
});
