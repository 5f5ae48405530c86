"""Cities, award programmes and city rankings: the structured facts behind the news."""
