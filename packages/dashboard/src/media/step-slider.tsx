/** The step slider of a media panel: a range over the key's steps, with previous/next buttons. */

/** The steps offered (ascending), the index shown and what a move does. */
export interface StepSliderProps {
  steps: readonly number[];
  index: number;
  following: boolean;
  onPick: (index: number) => void;
}

/** "Step 120" with a slider when there is more than one step. */
export function StepSlider({ steps, index, following, onPick }: StepSliderProps) {
  const step = steps[index];
  if (step === undefined) return null;
  const last = steps.length - 1;
  return (
    <div class="step-slider" data-control="step">
      {last > 0 ? (
        <>
          <button type="button" class="btn btn-small btn-quiet" aria-label="Previous step" disabled={index <= 0} onClick={() => onPick(index - 1)}>
            ‹
          </button>
          <input type="range" min={0} max={last} step={1} value={index} aria-label="Step" onInput={(e) => onPick(Number(e.currentTarget.value))} />
          <button type="button" class="btn btn-small btn-quiet" aria-label="Next step" disabled={index >= last} onClick={() => onPick(index + 1)}>
            ›
          </button>
        </>
      ) : null}
      <span class="step-label tnum">
        Step {step}
        {following && last > 0 ? <span class="muted"> (latest)</span> : null}
      </span>
    </div>
  );
}
