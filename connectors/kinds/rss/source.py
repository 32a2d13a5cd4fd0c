from connectors.sources.web.feeds import FeedSource

Source = FeedSource
