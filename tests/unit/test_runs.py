from dictation_app.core.events import Final, Partial
from dictation_app.core.frames import silence
from dictation_app.core.transcript import Transcript
from dictation_app.runs import Run


def run_with(frame_count: int) -> Run:
    run = Run(0, 0.0)
    for i in range(frame_count):
        run.frames.append(silence(i * 0.04, i))
    run.queue.close()
    return run


def test_a_long_replay_fits_its_queue_whole():
    run = run_with(1375)  # 55 s, more than the pre-roll queue holds
    follower = run.retry(Transcript(), resumable=False)
    assert len(follower.queue) == 1375 and follower.queue.dropped == 0
    assert follower.queue.closed and follower.attempt == 1 and follower.key == run.key + 1


def test_without_resume_only_audio_after_the_last_final_goes_again():
    run = run_with(50)
    transcript = Transcript()
    transcript.apply(Final(1, "one", start=0.0, end=0.8), run.key)
    transcript.apply(Partial(2, "tw"), run.key)
    follower = run.retry(transcript, resumable=False)
    assert [f.index for f in follower.frames] == list(range(20, 50))
    assert follower.offset == 0.8
    assert transcript.text == "one"
