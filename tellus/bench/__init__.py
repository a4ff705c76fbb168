"""Every `tellus bench …` benchmark, each beside a baseline measured in the same run. It may import any app."""
