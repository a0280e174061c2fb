package web_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestLabelHeaderAndCaptions opens the workspace of a config with a Header
// (issue 23, item 2): the Header is shown as the question of the control after
// it, and a control without one is captioned with its name made readable.
func TestLabelHeaderAndCaptions(t *testing.T) {
	t.Parallel()
	config := `<View>
  <Header value="What is the sentiment of this text?"/>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text" choice="single" required="true">
    <Choice value="Positive"/><Choice value="Negative"/>
  </Choices>
  <Rating name="how_sure" toName="text"/>
</View>`
	w := newWorkspace(t, config, textTasks("I love it"))
	w.waitShown(w.tasks[0])
	w.do("the question is shown", 10*time.Second, chromedp.WaitVisible(`//legend[contains(., "What is the sentiment of this text?")]`))
	legends := eval[[]string](w, `Array.from(document.querySelectorAll('#task-root legend'), (l) => l.textContent)`)
	if len(legends) != 2 || legends[0] != "What is the sentiment of this text? (required)" || legends[1] != "How sure" {
		t.Errorf("captions %q, want the Header's question and %q", legends, "How sure")
	}
}
