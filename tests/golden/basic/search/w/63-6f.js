SITEGEN_SEARCH_CHUNK("w/63-6f",{"collects":"0.1","compares":"3","computed":"0","corpora":"0","corpus":"0","correlates":"0","could":"3"});
